# syntax=docker/dockerfile:1
# iamlint in a container: `docker run --rm -v "$PWD:/src" iamlint` checks the mounted
# directory (`iamlint check /src`); any other command line replaces `check /src`.

# -- build: the binary from this checkout (the release profile: full LTO, one unit)
FROM rust:1-slim-bookworm AS build
WORKDIR /build
COPY . .
# the repository root is the package holding the binary
RUN cargo install --locked --path . --root /out \
    && /out/bin/iamlint --version

# -- run: the binary alone on a small base, as an unprivileged user
FROM debian:bookworm-slim
COPY --from=build /out/bin/iamlint /usr/local/bin/iamlint
RUN useradd --system --uid 10001 --no-create-home iamlint
USER 10001
WORKDIR /src
ENTRYPOINT ["iamlint"]
CMD ["check", "/src"]
