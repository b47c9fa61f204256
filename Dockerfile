# syntax=docker/dockerfile:1
# flashgroup API image: build with Maven, run on a JRE.
#   docker build -t flashgroup-api .
#   docker compose --profile app up -d --build

# The operator console (console/, Vite + TypeScript) in a node stage: the Maven image has no npm.
FROM node:20-bookworm-slim AS console
WORKDIR /src/console
COPY console/package.json console/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY console/ ./
RUN npm run build

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
COPY --from=console /src/console/dist console/dist
# The cache mount keeps ~/.m2 between builds (BuildKit). -Dconsole.skip: dist/ is built above.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests -Dconsole.skip=true package

FROM eclipse-temurin:17-jre
# Posters and share cards draw Chinese titles and labels: a CJK font, unless the base image has one.
RUN if ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
      apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fontconfig fonts-noto-cjk \
      && rm -rf /var/lib/apt/lists/*; \
    fi
RUN groupadd --system flashgroup && useradd --system --gid flashgroup --home-dir /app flashgroup
WORKDIR /app
COPY --from=build /src/api/target/flashgroup-api-0.1.0-SNAPSHOT.jar /app/flashgroup-api.jar
USER flashgroup
EXPOSE 8080
# Exec form: java is PID 1 and gets SIGTERM, so Spring's graceful shutdown runs.
# JVM options: set JAVA_TOOL_OPTIONS (e.g. -XX:MaxRAMPercentage=75).
ENTRYPOINT ["java", "-jar", "/app/flashgroup-api.jar"]
