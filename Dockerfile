FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 WAYMARK_ENV=production
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY moderation ./moderation
RUN pip install --no-cache-dir .
COPY content ./content
COPY pwa ./pwa
RUN useradd --system --home /app waymark
USER waymark
EXPOSE 8000
CMD ["waymark", "run", "--host", "0.0.0.0"]
