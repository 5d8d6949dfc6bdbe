FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY handlers ./handlers
COPY migrations ./migrations
RUN pip install --no-cache-dir . && useradd --create-home cchc
USER cchc
EXPOSE 8080
CMD ["cchc-bot", "serve", "--host", "0.0.0.0"]
