"""Gunicorn settings of the web container (docker-compose.yml, Dockerfile CMD).

Workers per container come from WEB_CONCURRENCY (default 3); scale out with more web containers
(`docker compose up -d --scale web=3`), each one stateless.
"""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# PDF rendering (WeasyPrint) can take a while; a worker silent longer than this is restarted.
timeout = 120
graceful_timeout = 30
# Recycle workers now and then so that memory grown by large PDFs is given back.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file on tmpfs rather than on the container's overlay filesystem.
worker_tmp_dir = "/dev/shm"
# Only the nginx proxy of the compose network reaches this port (nothing publishes it): trust its
# X-Forwarded-Proto whatever its address, which changes when the proxy container is recreated.
forwarded_allow_ips = "*"
accesslog = "-"
# The client address that nginx read from the TLS terminator (X-Real-IP), then the request time in ms.
access_log_format = '%({x-real-ip}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
errorlog = "-"
# The control socket (gunicorn >= 25) is not used in a container.
control_socket_disable = True
