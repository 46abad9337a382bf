package dev.igme.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import dev.igme.webhook.SignatureVerifier;
import dev.igme.webhook.WebhookRoute;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Sends deliveries the way Meta does: signed batches of 1–50 items mixing the three scenarios,
 * non-ASCII text, some duplicates, and a retry of anything not answered 200. Two modes: closed
 * loop (a fixed number in flight: the maximum rate) and open loop (a fixed rate, latency counted
 * from the scheduled send time, so a stall is not hidden).
 */
final class LoadGenerator {

    static final String ACCOUNT = "17841400000000001";
    private static final String[] TEXTS = {"Hi! Do you have this in blue?", "Grüße aus München 👋", "¿Tienen envío a México?",
            "こんにちは、在庫はありますか", "Bonjour, c'est encore disponible ?", "Привет! Сколько стоит?", "مرحبا، هل يتوفر؟"};

    /** One signed delivery and the refs it carries (for end-to-end tracking). */
    record Delivery(byte[] body, String signature, List<String> refs) {
    }

    /** Outcome of a run. */
    record Result(long ok, long other, double seconds, long[] latenciesNanos) {
        double perSecond() {
            return ok / seconds;
        }

        long percentile(double p) {
            if (latenciesNanos.length == 0) {
                return 0;
            }
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
        }
    }

    private final HttpClient client;
    private final String secret;
    private final AtomicLong sequence = new AtomicLong();

    LoadGenerator(Vertx vertx, String secret) {
        // -Dbench.client.connections: the most connections the generator opens to one server. When an
        // open loop's first answers are slow it opens new ones up to this bound (512: 65 -> 513 to the
        // service within 0.3 s at the start of the phase after the maximum rate, BENCHMARKS.md); a
        // lower bound queues those requests in the generator instead, still timed from their schedule
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(Integer.getInteger("bench.client.connections", 512)));
        this.secret = secret;
    }

    /**
     * {@code size} deliveries made now and handed out in turn: for rates where making and signing
     * each delivery on the sending thread would slow the generator down and count as the service's
     * latency.
     */
    static Supplier<Delivery> pool(Supplier<Delivery> deliveries, int size) {
        Delivery[] made = new Delivery[size];
        for (int i = 0; i < size; i++) {
            made[i] = deliveries.get();
        }
        AtomicLong next = new AtomicLong();
        return () -> made[(int) (next.getAndIncrement() % size)];
    }

    /** A realistic mixed delivery; its referrals' refs start with {@code refPrefix}. */
    Delivery mixed(String refPrefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int items = 1 + random.nextInt(50);
        List<String> refs = new ArrayList<>();
        StringBuilder json = new StringBuilder("{\"object\":\"instagram\",\"entry\":[{\"id\":\"" + ACCOUNT + "\",\"time\":"
                + System.currentTimeMillis() + ",\"messaging\":[");
        for (int i = 0; i < items; i++) {
            long n = sequence.incrementAndGet();
            String user = Long.toString(6_500_000_000_000_000L + n);
            String ref = refPrefix + n;
            long ts = System.currentTimeMillis();
            String text = TEXTS[random.nextInt(TEXTS.length)];
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"sender\":{\"id\":\"").append(user).append("\"},\"recipient\":{\"id\":\"").append(ACCOUNT)
                    .append("\"},\"timestamp\":").append(ts).append(',');
            int kind = random.nextInt(10);
            if (kind < 4) {
                json.append("\"referral\":{\"ref\":\"").append(ref).append("\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}");
                refs.add(ref);
            } else if (kind < 7) {
                json.append("\"message\":{\"mid\":\"m-").append(n).append("\",\"text\":\"").append(text)
                        .append("\",\"referral\":{\"ref\":\"").append(ref).append("\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}}");
                refs.add(ref);
            } else if (kind < 9) {
                json.append("\"postback\":{\"mid\":\"p-").append(n).append("\",\"title\":\"").append(text)
                        .append("\",\"payload\":\"P\",\"referral\":{\"ref\":\"").append(ref)
                        .append("\",\"source\":\"IGME-SOURCE-LINK\",\"type\":\"OPEN_THREAD\"}}}");
                refs.add(ref);
            } else {
                json.append("\"message\":{\"mid\":\"t-").append(n).append("\",\"text\":\"").append(text).append("\"}}");
            }
        }
        json.append("]}]}");
        return sign(json.toString(), refs);
    }

    /** Exactly {@code items} top-level referrals (scenario 3), each a new user; refs start with {@code refPrefix}. */
    Delivery referrals(String refPrefix, int items) {
        List<String> refs = new ArrayList<>();
        StringBuilder json = new StringBuilder("{\"object\":\"instagram\",\"entry\":[{\"id\":\"" + ACCOUNT + "\",\"messaging\":[");
        for (int i = 0; i < items; i++) {
            long n = sequence.incrementAndGet();
            String ref = refPrefix + n;
            refs.add(ref);
            json.append(i > 0 ? "," : "").append("{\"sender\":{\"id\":\"").append(6_600_000_000_000_000L + n)
                    .append("\"},\"recipient\":{\"id\":\"").append(ACCOUNT).append("\"},\"timestamp\":")
                    .append(System.currentTimeMillis()).append(",\"referral\":{\"ref\":\"").append(ref)
                    .append("\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}");
        }
        return sign(json.append("]}]}").toString(), refs);
    }

    private Delivery sign(String json, List<String> refs) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return new Delivery(body, SignatureVerifier.sign(secret, body), refs);
    }

    /** One request of a run: sends itself and reports the final status. */
    interface Call {
        void send(int port, IntConsumer onStatus);

        /** The refs it carries, for end-to-end tracking. */
        default List<String> refs() {
            return List.of();
        }
    }

    /** As many as {@code concurrency} deliveries in flight for {@code duration}; 5 % are resent duplicates. */
    Result closedLoop(int port, int concurrency, Duration duration, Supplier<Delivery> deliveries) throws InterruptedException {
        Delivery[] last = new Delivery[1];
        return closedLoopCalls(port, concurrency, duration, () -> {
            Delivery d = last[0] != null && ThreadLocalRandom.current().nextInt(20) == 0 ? last[0] : deliveries.get();
            last[0] = d;
            return post(d);
        }, 200);
    }

    /**
     * {@code rate} deliveries per second for {@code duration}; each latency runs from the scheduled
     * send time to the answer. {@code sent} learns when each delivery was scheduled.
     */
    Result openLoop(int port, double rate, Duration duration, Supplier<Delivery> deliveries,
            Map<String, Long> sentAtByRef) throws InterruptedException {
        return openLoopCalls(port, rate, duration, () -> post(deliveries.get()), 200, sentAtByRef);
    }

    /** Visits of the tracked redirect {@code /r/<id>} by phones (2 % link-preview bots), answered 302. */
    Supplier<Call> redirects(List<String> linkIds) {
        return () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String id = linkIds.get(random.nextInt(linkIds.size()));
            String agent = random.nextInt(50) == 0 ? "facebookexternalhit/1.1"
                    : random.nextBoolean() ? "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148"
                    : "Mozilla/5.0 (Linux; Android 15; Pixel 9) Mobile Safari/537.36";
            return (port, onStatus) -> get(port, "/r/" + id, agent, onStatus);
        };
    }

    /** As many as {@code concurrency} calls in flight for {@code duration}: the maximum rate. */
    Result closedLoopCalls(int port, int concurrency, Duration duration, Supplier<Call> calls, int okStatus)
            throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        AtomicLong other = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            new Object() {
                void next() {
                    if (System.nanoTime() >= end) {
                        done.countDown();
                        return;
                    }
                    calls.get().send(port, status -> {
                        (status == okStatus ? ok : other).incrementAndGet();
                        next();
                    });
                }
            }.next();
        }
        done.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
        return new Result(ok.get(), other.get(), (System.nanoTime() - start) / 1e9, new long[0]);
    }

    /** {@code rate} calls per second for {@code duration}, latency from each call's scheduled time. */
    Result openLoopCalls(int port, double rate, Duration duration, Supplier<Call> calls, int okStatus,
            Map<String, Long> sentAtByRef) throws InterruptedException {
        long total = (long) (rate * duration.toSeconds());
        long[] latencies = new long[(int) total];
        AtomicLong ok = new AtomicLong();
        AtomicLong other = new AtomicLong();
        Semaphore finished = new Semaphore(0);
        long start = System.nanoTime();
        double interval = 1e9 / rate;
        for (int i = 0; i < total; i++) {
            long scheduled = start + (long) (i * interval);
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Call call = calls.get();
            if (sentAtByRef != null) {
                call.refs().forEach(ref -> sentAtByRef.put(ref, scheduled));
            }
            int index = i;
            call.send(port, status -> {
                latencies[index] = System.nanoTime() - scheduled;
                (status == okStatus ? ok : other).incrementAndGet();
                finished.release();
            });
        }
        finished.tryAcquire((int) total, 60, TimeUnit.SECONDS);
        logStalls(latencies, interval);
        return new Result(ok.get(), other.get(), (System.nanoTime() - start) / 1e9, latencies);
    }

    private Call post(Delivery d) {
        return new Call() {
            @Override
            public void send(int port, IntConsumer onStatus) {
                LoadGenerator.this.send(port, d, 0, onStatus);
            }

            @Override
            public List<String> refs() {
                return d.refs();
            }
        };
    }

    private void get(int port, String uri, String userAgent, IntConsumer onStatus) {
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(port).setURI(uri)
                        .putHeader("User-Agent", userAgent))
                .compose(request -> request.send())
                .onComplete(response -> {
                    if (response.succeeded()) {
                        response.result().body();
                    }
                    onStatus.accept(response.succeeded() ? response.result().statusCode() : 0);
                });
    }

    /** When in the run the slow answers came: the worst latency of each 250 ms window over 50 ms. */
    private static void logStalls(long[] latencies, double interval) {
        int perWindow = Math.max(1, (int) (250e6 / interval));
        StringBuilder stalls = new StringBuilder();
        for (int from = 0; from < latencies.length; from += perWindow) {
            long worst = 0;
            for (int i = from; i < Math.min(latencies.length, from + perWindow); i++) {
                worst = Math.max(worst, latencies[i]);
            }
            if (worst > 50_000_000L) {
                stalls.append(String.format(" %.2fs:%dms", from * interval / 1e9, worst / 1_000_000));
            }
        }
        System.out.println("[bench] windows of 250 ms with an answer slower than 50 ms:" + (stalls.length() == 0 ? " none" : stalls));
    }

    /** Posts; like Meta, retries (up to 3 times) what is not answered 200, and reports the last status. */
    private void send(int port, Delivery d, int attempt, IntConsumer onStatus) {
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(port)
                        .setURI(WebhookRoute.PATH).putHeader("Content-Type", "application/json")
                        .putHeader(WebhookRoute.SIGNATURE_HEADER, d.signature()))
                .compose(request -> request.send(Buffer.buffer(d.body())))
                .onComplete(response -> {
                    int status = response.succeeded() ? response.result().statusCode() : 0;
                    if (response.succeeded()) {
                        response.result().body();
                    }
                    if (status != 200 && attempt < 3) {
                        send(port, d, attempt + 1, onStatus);
                    } else {
                        onStatus.accept(status);
                    }
                });
    }
}
