"""The REST API of Tripletex Bridge, one package per version (:mod:`txbridge.web.api.v1`)."""
