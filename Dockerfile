# Production image: PostgreSQL via DATABASE_URL, SECRET_KEY required (the app refuses the default).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 APP_ENV=production
WORKDIR /srv/app
# xmlsec1: pysaml2 (MitID) signs, verifies and decrypts SAML with it.
RUN apt-get update && apt-get install -y --no-install-recommends xmlsec1 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-cache-dir . && useradd --system --uid 10001 --home /srv/app portal && chown -R portal /srv/app
USER portal
EXPOSE 8000
# Migrations first, then the server (serve runs `alembic upgrade head` unless --no-migrate).
CMD ["python", "-m", "app", "serve", "--host", "0.0.0.0", "--port", "8000"]
