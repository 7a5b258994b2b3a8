"""The WeChat service account (服务号) protocol: callback signatures and safe-mode crypto
(`crypto`), the pushed XML and the encrypted reply envelope (`xml`), the server API client
(`api`, errors mapped in `errors`), the customer-service grants as data (`budget`) and the
GCJ-02 → WGS-84 shift of positions (`datum`).

Nothing here knows the core: the adapter that turns pushes into neutral events and outgoing
messages into API calls is built on top of these modules.
"""
