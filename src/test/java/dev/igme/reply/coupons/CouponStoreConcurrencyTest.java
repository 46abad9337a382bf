package dev.igme.reply.coupons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.igme.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;

/** Many transactions taking codes from one pool at the same time, on the real database. */
@QuarkusTest
class CouponStoreConcurrencyTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Pool pool;

    @Inject
    CouponStore store;

    private long newPool(int codes) {
        String name = "conc-" + UUID.randomUUID().toString().substring(0, 8);
        long id = store.create(name, null, 0).await().atMost(WAIT);
        store.addCodes(id, IntStream.range(0, codes).mapToObj(i -> name + "-" + i).toList()).await().atMost(WAIT);
        return id;
    }

    private String name(long poolId) {
        return store.get(poolId).await().atMost(WAIT).name();
    }

    @Test
    void concurrentTransactionsTakeDistinctCodesAndUseThePoolUp() {
        long poolId = newPool(60);
        String name = name(poolId);
        // 24 batches of 5 conversations each, all in flight at once: 120 requests for 60 codes
        List<Uni<List<CouponStore.Issue>>> batches = new ArrayList<>();
        for (int b = 0; b < 24; b++) {
            List<CouponStore.Request> requests = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                String user = "u-" + b + "-" + k;
                requests.add(new CouponStore.Request("att-" + name + "-" + user, name, "acc", user));
            }
            batches.add(pool.withTransaction(tx -> store.issue(tx, requests)));
        }
        List<CouponStore.Issue> issues = Uni.join().all(batches).andFailFast().await().atMost(WAIT).stream()
                .flatMap(List::stream).toList();

        List<String> codes = issues.stream().filter(CouponStore.Issue::issued).map(CouponStore.Issue::code).toList();
        assertEquals(codes.size(), new HashSet<>(codes).size(), "no code twice: " + codes);
        assertEquals(60, codes.size(), "every code issued while conversations still wanted one");
        assertEquals(60, issues.stream().filter(i -> !i.issued() && !i.alreadyIssued()).count(), "the rest found the pool empty");
        assertEquals(60L, Db.rows(pool, "SELECT count(*) AS n FROM coupon WHERE pool_id = $1 AND issued_at IS NOT NULL", poolId)
                .get(0).get("n"));
    }

    @Test
    void aConversationGetsNoSecondCodeEvenFromAConcurrentTransaction() {
        long poolId = newPool(5);
        String name = name(poolId);
        CouponStore.Request first = new CouponStore.Request("att-1-" + name, name, "acc", "same-user");
        CouponStore.Request second = new CouponStore.Request("att-2-" + name, name, "acc", "same-user");
        // the first holds its transaction open while the second takes a (different) free code for the same conversation
        Uni<List<CouponStore.Issue>> slow = pool.withTransaction(tx -> store.issue(tx, List.of(first))
                .onItem().delayIt().by(Duration.ofMillis(800)));
        Uni<Object> racing = Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(200))
                .chain(() -> pool.withTransaction(tx -> store.issue(tx, List.of(second))))
                .map(issues -> (Object) issues).onFailure().recoverWithItem(failure -> failure);
        var both = Uni.combine().all().unis(slow, racing).asTuple().await().atMost(WAIT);

        assertTrue(both.getItem1().get(0).issued());
        assertTrue(both.getItem2() instanceof PgException pg && "23505".equals(pg.getSqlState()),
                "the second transaction is refused by the database: " + both.getItem2());
        assertEquals(1L, Db.rows(pool, "SELECT count(*) AS n FROM coupon WHERE pool_id = $1 AND igsid = 'same-user'", poolId)
                .get(0).get("n"));
        // and once the first committed, the conversation is known to have one
        CouponStore.Issue later = pool.withTransaction(tx -> store.issue(tx, List.of(second))).await().atMost(WAIT).get(0);
        assertTrue(later.alreadyIssued() && !later.issued());
    }

    @Test
    void oneCallForTheSameConversationTwiceGivesOneCodeAndCodesGoBack() {
        long poolId = newPool(3);
        String name = name(poolId);
        List<CouponStore.Issue> issues = pool.withTransaction(tx -> store.issue(tx, List.of(
                new CouponStore.Request("a1-" + name, name, "acc", "x"),
                new CouponStore.Request("a2-" + name, name, "acc", "x"),
                new CouponStore.Request("b1-" + name, name, "acc", "y"),
                new CouponStore.Request("c1-" + name + "-nopool", name + "-missing", "acc", "x")))).await().atMost(WAIT);
        assertTrue(issues.get(0).issued());
        assertTrue(issues.get(1).alreadyIssued() && !issues.get(1).issued());
        assertTrue(issues.get(2).issued());
        assertTrue(!issues.get(3).issued() && !issues.get(3).alreadyIssued(), "an unknown pool has no code");
        Set<String> codes = Set.of(issues.get(0).code(), issues.get(2).code());
        assertEquals(2, codes.size());

        pool.withTransaction(tx -> store.release(tx, List.of(issues.get(2)))).await().atMost(WAIT);
        assertEquals(2L, Db.rows(pool, "SELECT count(*) AS n FROM coupon WHERE pool_id = $1 AND issued_at IS NULL", poolId)
                .get(0).get("n"), "a released code is free again");
    }
}
