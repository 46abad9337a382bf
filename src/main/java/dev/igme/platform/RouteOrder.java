package dev.igme.platform;

import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;

/**
 * Where the service's own Vert.x routes sit among Quarkus's HTTP filters (a filter of priority
 * {@code p} is a route of order {@code -p}; the lowest order runs first).
 */
public final class RouteOrder {

    /**
     * Before Quarkus's CORS (300) and security (200, 199, 100) filters: for the two hot routes that
     * check their callers themselves or need no caller at all (the webhook's HMAC signature, the
     * public redirect). Behind the security filters, every request also got a deferred identity
     * and, because an observability extension (OpenTelemetry) is present, a RESTEasy request
     * mapper of every REST class built anew to look up a URL template that these paths never
     * have: 19 % of the ingress's sampled allocation and 8 % of its CPU samples in a benchmark
     * recording (BENCHMARKS.md, "The ingress built a REST request mapper for every delivery").
     * No permission in application.properties covers these paths, so nothing is skipped that
     * could refuse a request.
     */
    public static final int BEFORE_SECURITY = -(SecurityHandlerPriorities.CORS + 1);

    private RouteOrder() {
    }
}
