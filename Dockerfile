# The payment sandbox simulator in a container, configured only by SIM_* variables.
#
#   docker build -t payment-sandbox .
#   docker run -p 8080:8080 -e SIM_ADMIN_TOKEN=change-me payment-sandbox
#
# Inside the container it binds 0.0.0.0 (the only way a published port reaches it), so /_sim
# needs SIM_ADMIN_TOKEN: without it the server refuses to start (SIM_INSECURE_CONTROL=1
# opens /_sim to whoever reaches the port). Other settings: SIM_SCENARIO (a bundled name, or
# a file under /scenarios mounted by you), SIM_STORE (memory, sqlite:/data/run.db, lmdb:/data/run.lmdb,
# redis://redis:6379/0), SIM_WORKERS, SIM_TENANT_IDLE_TIMEOUT… (README, "Settings").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/payment-sandbox
COPY pyproject.toml README.md ./
COPY simulator ./simulator
RUN pip install . \
 && useradd --system --uid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin sandbox \
 && mkdir -p /data /scenarios && chown sandbox /data

USER sandbox
WORKDIR /data
ENV SIM_HOST=0.0.0.0 \
    SIM_PORT=8080 \
    SIM_SCENARIO=default \
    SIM_STORE=memory \
    SIM_SCENARIO_DIR=/scenarios
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "simulator.healthcheck"]
CMD ["payment-sandbox"]
