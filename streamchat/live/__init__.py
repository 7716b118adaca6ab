"""The live broadcast on this process: the media relay and its sockets' queues."""
