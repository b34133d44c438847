"""The Qt layer: the asyncio bridge, controllers, windows and widgets. The only layer importing Qt."""
