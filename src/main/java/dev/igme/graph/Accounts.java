package dev.igme.graph;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import dev.igme.config.IgmeConfig;

/** The accounts from {@code igme.accounts.*}, checked once at startup. */
@Singleton
public class Accounts {

    private final Map<String, Account> byId;

    public Accounts(IgmeConfig config) {
        this.byId = config.accounts().entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> {
            IgmeConfig.Account a = e.getValue();
            if (a.flavour() == IgmeConfig.Account.Flavour.FACEBOOK_PAGE && a.pageId().filter(p -> !p.isBlank()).isEmpty()) {
                throw new IllegalStateException("igme.accounts.\"" + e.getKey()
                        + "\".page-id is required when flavour is facebook-page");
            }
            if (a.accessToken().isBlank()) {
                throw new IllegalStateException("igme.accounts.\"" + e.getKey() + "\".access-token is empty");
            }
            return new Account(e.getKey(), a.flavour(), a.accessToken(), a.pageId().orElse(null),
                    a.rateLimit().orElse(config.reply().rateLimit()), a.paused());
        }));
    }

    public Optional<Account> find(String igAccountId) {
        return Optional.ofNullable(byId.get(igAccountId));
    }
}
