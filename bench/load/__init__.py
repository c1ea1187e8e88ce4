"""`make load`: the production topology as plain processes under a Locust load (bench/README.md)."""
