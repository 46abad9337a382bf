package dev.igme.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.config.IgmeConfig;

/**
 * The accounts from {@code igme.accounts.*}, checked once, when created. The set of accounts is
 * fixed; an account's token may change while the service runs (a token file was rewritten, a
 * token was refreshed), through {@link #replaceToken}: callers always {@link #find} the current one.
 * Created when first used (on the instances that send), so token files need to be mounted only
 * where the replier runs.
 */
@ApplicationScoped
public class Accounts {

    private final Map<String, Account> byId = new ConcurrentHashMap<>();

    public Accounts(IgmeConfig config) {
        config.accounts().forEach((id, a) -> {
            if (a.flavour() == IgmeConfig.Account.Flavour.FACEBOOK_PAGE && a.pageId().filter(p -> !p.isBlank()).isEmpty()) {
                throw new IllegalStateException("igme.accounts.\"" + id + "\".page-id is required when flavour is facebook-page");
            }
            byId.put(id, new Account(id, a.flavour(), initialToken(id, a), a.pageId().orElse(null),
                    a.rateLimit().orElse(config.reply().rateLimit()), a.paused()));
        });
    }

    private static String initialToken(String id, IgmeConfig.Account account) {
        String prefix = "igme.accounts.\"" + id + "\".";
        if (account.accessToken().isPresent() && account.accessTokenFile().isPresent()) {
            throw new IllegalStateException(prefix + "access-token and " + prefix + "access-token-file are both set; use one");
        }
        if (account.accessTokenFile().isPresent()) {
            String file = account.accessTokenFile().get();
            String token = readTokenFile(Path.of(file));
            if (token == null) {
                throw new IllegalStateException(prefix + "access-token-file " + file + " cannot be read or is empty");
            }
            return token;
        }
        String token = account.accessToken().map(String::strip).orElse("");
        if (token.isEmpty()) {
            throw new IllegalStateException(prefix + "access-token is empty (set it or " + prefix + "access-token-file)");
        }
        return token;
    }

    /** The token in a token file (surrounding whitespace removed), or null when it cannot be read or is empty. */
    public static String readTokenFile(Path file) {
        try {
            String token = Files.readString(file).strip();
            return token.isEmpty() ? null : token;
        } catch (IOException e) {
            return null;
        }
    }

    public Optional<Account> find(String igAccountId) {
        return Optional.ofNullable(byId.get(igAccountId));
    }

    /** Every account, by id. */
    public List<Account> all() {
        return byId.values().stream().sorted(Comparator.comparing(Account::igAccountId)).toList();
    }

    public Collection<String> ids() {
        return byId.keySet();
    }

    /**
     * Uses {@code token} for the account from now on; a pause caused by Meta rejecting the old
     * token no longer applies (pauses name the token's fingerprint).
     *
     * @return whether the token changed
     */
    public boolean replaceToken(String igAccountId, String token) {
        Account current = byId.get(igAccountId);
        if (current == null || token == null || token.isBlank() || current.accessToken().equals(token)) {
            return false;
        }
        byId.computeIfPresent(igAccountId, (id, account) -> account.withToken(token));
        return true;
    }
}
