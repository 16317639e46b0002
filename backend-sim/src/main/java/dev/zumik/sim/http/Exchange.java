package dev.zumik.sim.http;

import dev.zumik.sim.model.Plan;
import dev.zumik.sim.model.SimEngine;
import dev.zumik.core.tokens.TokenText;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One request's response, driven by the engine thread: headers as soon as a stream is planned
 * (unless its first byte is to be slow), events at the model's token times, the end events with
 * usage, or an injected error or dropped connection.
 */
final class Exchange implements SimEngine.Handle {
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Wire wire;
    private final SimRequest sim;
    private final long promptTokens;
    private final long arrivalNanos;
    private final SimMetrics metrics;
    private final String endpoint;
    private final boolean reportsCacheWrites;
    private Plan plan;
    private Reply reply;
    private boolean headersSent;
    private boolean opened;
    private volatile boolean ended;

    /** The share of its cached tokens a response reports (a fault: 1 unless the profile says otherwise). */
    private final double cachedReportScale;

    Exchange(final HttpServerRequest request, final Wire wire, final SimRequest sim, final long promptTokens, final long arrivalNanos,
             final SimMetrics metrics, final boolean reportsCacheWrites, final double cachedReportScale) {
        this.request = request;
        this.response = request.response();
        this.wire = wire;
        this.sim = sim;
        this.promptTokens = promptTokens;
        this.arrivalNanos = arrivalNanos;
        this.metrics = metrics;
        this.endpoint = sim.api().path();
        this.reportsCacheWrites = reportsCacheWrites;
        this.cachedReportScale = cachedReportScale;
    }

    boolean ended() {
        return ended;
    }

    @Override
    public void planned(final Plan plan) {
        this.plan = plan;
        final long created = System.currentTimeMillis() / 1000;
        this.reply = new Reply(sim.api(), wire.id(sim.api(), plan.sequence(), created), created, sim.model(), sim.stream(), sim.includeUsage());
        if (plan.failed()) {
            metrics.fault("error_" + plan.errorStatus());
            ended = true;
            SimServer.sendError(request, wire, plan.errorStatus(), "simulated " + plan.errorStatus() + " (zumik sim fault injection)",
                    plan.errorStatus() == 429 ? "rate_limit_exceeded" : null, metrics);
            return;
        }
        metrics.planned(promptTokens, plan.cache());
        if (plan.slowFirstByteNanos() > 0) {
            metrics.fault("slow_first_byte");
        }
        if (plan.spikeNanos() > 0) {
            metrics.fault("spike");
        }
        if (sim.stream() && plan.slowFirstByteNanos() == 0) {
            streamHeaders();
        }
    }

    @Override
    public void token(final int index, final long atNanos) {
        if (ended) {
            return;
        }
        if (index == 0) {
            metrics.ttft((atNanos - arrivalNanos) / 1e6);
        }
        if (!sim.stream()) {
            return;
        }
        if (index == plan.dropAfterTokens()) {
            drop();
            return;
        }
        final StringBuilder events = new StringBuilder();
        open(events);
        events.append(wire.streamToken(reply, TokenText.token(plan.textSeed(), index)));
        response.write(events.toString());
    }

    @Override
    public void finished(final long atNanos) {
        if (ended) {
            return;
        }
        if (plan.dropAfterTokens() >= 0) {
            drop();
            return;
        }
        ended = true;
        final Usage usage = usage(plan.outputTokens());
        metrics.completed(plan.outputTokens());
        metrics.request(endpoint, 200);
        if (sim.stream()) {
            final StringBuilder events = new StringBuilder();
            open(events);
            response.end(events.append(wire.streamClose(reply, usage, plan.finishLength())).toString());
        } else {
            response.putHeader("content-type", "application/json").putHeader("x-request-id", reply.id())
                    .end(wire.body(reply, TokenText.text(plan.textSeed(), plan.outputTokens()), usage, plan.finishLength()));
        }
    }

    private void open(final StringBuilder events) {
        if (!headersSent) {
            streamHeaders();
        }
        if (!opened) {
            opened = true;
            events.append(wire.streamOpen(reply, usage(0)));
        }
    }

    private void streamHeaders() {
        headersSent = true;
        response.setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache").putHeader("x-request-id", reply.id());
        response.writeHead();
    }

    /** Cuts the connection mid-response, as a crashed replica or a broken proxy would. */
    private void drop() {
        ended = true;
        metrics.fault("drop");
        metrics.request(endpoint, 0);
        request.connection().close();
    }

    private Usage usage(final long completionTokens) {
        return new Usage(promptTokens, completionTokens, Math.round(plan.cache().reportedCachedTokens() * cachedReportScale),
                reportsCacheWrites ? plan.cache().writtenTokens() : 0);
    }
}
