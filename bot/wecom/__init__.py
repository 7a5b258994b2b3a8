"""WeCom (企业微信): the smart bot's long connection and the group robot webhook.

Protocol only: frames, the WebSocket client, template cards, the robot webhook client, mention
syntax and the pace table. Nothing here imports the core; the adapter that maps these onto the
messaging port lives beside them once the core's adapter boundary is settled.
"""
