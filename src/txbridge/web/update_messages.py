"""``python -m txbridge.web.update_messages``: add the UI strings of the templates and routes to the
bokmål catalog (new ones with an empty translation, which the test suite then reports; no guesses)."""

from txbridge.web.i18n import update

if __name__ == "__main__":
    print(update())
