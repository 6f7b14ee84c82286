"""The sample positions of the source documents, and their loader.

``seed/data/*.toml`` holds every position the four documents describe (format in
``seed/data/FORMAT.md``); ``seed.loader`` checks them all and brings a database in step with them.
"""
