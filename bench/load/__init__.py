"""The load test and the load-and-fault run.

- ``plan``: reads the database (demo or generated data) and lists, per scenario, the people who
  sign in and the pages, answers and API tokens they use (``python -m bench.load.plan``);
- ``server``: starts the production setup (gunicorn + ``manage.py worker``) on 127.0.0.1;
- ``locustfile``: the scenarios as locust users;
- ``run``: runs every scenario headless against one server and reports latency, throughput and
  the ratio of each page's throughput to that of ``/healthz``;
- ``fault``: 50 editors while the worker is killed and the database restarted; checks that no
  acknowledged write was lost.

See bench/README.md for how the figures are obtained.
"""
