# One image for web, worker and beat. The stylesheet is built in a Node stage so the
# runtime image carries no Node.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY static/scss static/scss
RUN npx sass --load-path=node_modules --no-source-map --style=compressed --quiet-deps \
      static/scss/ppe.scss static/dist/ppe.css \
 && mkdir -p static/dist/nhsuk \
 && cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets/images static/dist/nhsuk/images \
 && cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js static/dist/

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=ppe.settings.production PPE_VAR_DIR=/var/lib/ppe
# WeasyPrint needs Pango; Liberation gives a metric-compatible Arial for the PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-liberation2 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home ppe && mkdir -p /var/lib/ppe && chown ppe /var/lib/ppe
WORKDIR /app
COPY pyproject.toml ./
COPY ppe ppe
COPY people_bank people_bank
COPY involvement_requests involvement_requests
COPY outcomes outcomes
RUN pip install --no-cache-dir .
COPY manage.py ./
COPY templates templates
COPY static static
COPY --from=assets /app/static/dist static/dist
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
USER ppe
EXPOSE 8000
CMD ["gunicorn", "ppe.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
