"""One module per kind of outbound document (see :mod:`txbridge.flows.outbound.kind`)."""
