FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cms ./cms
COPY content_seed ./content_seed
RUN pip install --no-cache-dir -e . && useradd --create-home cms && mkdir -p /app/data/media && chown -R cms /app/data
USER cms
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"
CMD ["sh", "-c", "cms seed && cms serve --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-2}"]
