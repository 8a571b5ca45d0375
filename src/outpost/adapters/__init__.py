"""Network adapters: one class per network, all implementing `NetworkAdapter`."""
