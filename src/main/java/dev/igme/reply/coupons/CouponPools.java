package dev.igme.reply.coupons;

import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.api.InvalidField;
import dev.igme.reply.rules.ReplyRules;
import dev.igme.reply.rules.RuleValidator;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/** Managing coupon pools: create, read, upload codes, delete an unused pool. */
@ApplicationScoped
public class CouponPools {

    /** Pool names as rules name them: letters, digits, {@code _ . -}, starting with a letter or digit. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0," + (RuleValidator.MAX_POOL_NAME - 1) + "}");
    static final int MAX_DESCRIPTION = 500;
    static final int MAX_THRESHOLD = 10_000_000;

    /** A pool the API refuses; {@link #field()} names what to fix. */
    public static final class InvalidPool extends InvalidField {
        private static final long serialVersionUID = 1L;

        InvalidPool(String field, String message) {
            super(field, field + " " + message);
        }
    }

    /** A pool name in use already. */
    public static final class NameTaken extends RuntimeException {
        NameTaken(String name) {
            super("a coupon pool named '" + name + "' exists already");
        }
    }

    /** A pool that may not be deleted (rules use it, or codes of it were issued). */
    public static final class InUse extends RuntimeException {
        InUse(String message) {
            super(message);
        }
    }

    /** The answer to an upload: codes new to the pool, and codes skipped because the pool (or the upload) had them already. */
    public record Uploaded(int added, int duplicates, CouponPool pool) {
    }

    private final CouponStore store;
    private final CouponMetrics metrics;
    private final ReplyRules rules;
    private final ObjectMapper mapper;
    private final int maxUploadCodes;

    public CouponPools(CouponStore store, CouponMetrics metrics, ReplyRules rules, ObjectMapper mapper, IgmeConfig config) {
        this.store = store;
        this.metrics = metrics;
        this.rules = rules;
        this.mapper = mapper;
        this.maxUploadCodes = config.coupons().maxUploadCodes();
    }

    public Uni<CouponPool> create(NewCouponPool pool) {
        NewCouponPool valid = validate(pool);
        return store.create(valid.name(), valid.description(), valid.lowThreshold()).chain(id -> {
            if (id == null) {
                return Uni.createFrom().failure(new NameTaken(valid.name()));
            }
            return store.get(id);
        }).call(this::refreshLevels);
    }

    public Uni<List<CouponPool>> list() {
        return store.list();
    }

    /** The pool, or null. */
    public Uni<CouponPool> get(long id) {
        return store.get(id);
    }

    /** Adds the codes of an upload, all or none; null when there is no such pool. */
    public Uni<Uploaded> upload(long id, String mediaType, byte[] body) {
        CodeUpload.Codes codes = CodeUpload.parse(mediaType, body, maxUploadCodes, mapper);
        return store.get(id).chain(pool -> {
            if (pool == null) {
                return Uni.createFrom().nullItem();
            }
            return store.addCodes(id, codes.codes()).chain(added -> store.get(id).map(after -> {
                Log.infof("Coupon pool '%s': %d code(s) added, %d duplicate(s) skipped, %d left", after.name(), added,
                        codes.codes().size() - added + codes.repeated(), after.left());
                return new Uploaded(added, codes.codes().size() - added + codes.repeated(), after);
            })).call(this::refreshLevels);
        });
    }

    /**
     * Deletes a pool with its free codes, only while no rule uses it and none of its codes was
     * issued: issued codes are the record of who got what, and are never deleted. False when there
     * is no such pool.
     */
    public Uni<Boolean> delete(long id) {
        return store.get(id).chain(pool -> {
            if (pool == null) {
                return Uni.createFrom().item(false);
            }
            return rules.namesUsingPool(pool.name()).chain(users -> {
                if (!users.isEmpty()) {
                    return Uni.createFrom().failure(new InUse("coupon pool '" + pool.name() + "' is used by rule(s) "
                            + users + "; change or delete them first"));
                }
                return store.deleteUnused(id).map(deleted -> {
                    if (!deleted) {
                        throw new InUse("coupon pool '" + pool.name() + "' has issued codes, which are kept as the record"
                                + " of who got which; it cannot be deleted");
                    }
                    return true;
                });
            });
        }).call(this::refreshLevels);
    }

    static NewCouponPool validate(NewCouponPool pool) {
        if (pool == null) {
            throw new InvalidPool("pool", "is missing: {\"name\": \"...\"}");
        }
        if (pool.name() == null || pool.name().isBlank()) {
            throw new InvalidPool("name", "is missing or blank");
        }
        String name = pool.name().strip();
        if (!NAME.matcher(name).matches()) {
            throw new InvalidPool("name", "must be 1-" + RuleValidator.MAX_POOL_NAME
                    + " letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        String description = pool.description() == null || pool.description().isBlank() ? null : pool.description().strip();
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw new InvalidPool("description", "is longer than " + MAX_DESCRIPTION + " characters");
        }
        int threshold = pool.lowThreshold() == null ? 0 : pool.lowThreshold();
        if (threshold < 0 || threshold > MAX_THRESHOLD) {
            throw new InvalidPool("lowThreshold", "must be between 0 (no warning) and " + MAX_THRESHOLD);
        }
        return new NewCouponPool(name, description, threshold);
    }

    /** The gauges and the low-threshold mark follow a change at once; a failure here fails nothing. */
    private Uni<Void> refreshLevels() {
        return metrics.check().onFailure().invoke(e -> Log.warnf("Could not count coupon pools: %s", e.toString()))
                .onFailure().recoverWithNull();
    }
}
