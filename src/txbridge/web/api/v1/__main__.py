"""``python -m txbridge.web.api.v1 > docs/openapi-v1.json``: print the API's OpenAPI document."""

from txbridge.web.api.v1.openapi import main

main()
