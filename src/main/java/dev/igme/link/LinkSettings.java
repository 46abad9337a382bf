package dev.igme.link;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import dev.igme.config.IgmeConfig;
import dev.igme.link.ref.RefCodec;
import dev.igme.link.ref.RefKeys;
import io.quarkus.runtime.Startup;

/**
 * The links configuration, checked at startup (a malformed key or URL stops the service with the
 * property named), and what is derived from it: the ref codec, the URLs of a link.
 */
@Startup
@Singleton
public class LinkSettings {

    static final String IG_ME = "https://ig.me/m/";

    private final RefCodec codec;
    private final String publicUrl;
    private final IgmeConfig config;

    public LinkSettings(IgmeConfig config) {
        this.config = config;
        this.codec = new RefCodec(RefKeys.parse(config.links().signingKeys().orElse(List.of())));
        this.publicUrl = config.links().publicUrl().filter(u -> !u.isBlank()).map(LinkSettings::checkedUrl).orElse(null);
    }

    public RefCodec codec() {
        return codec;
    }

    /** The account's username for ig.me links, when configured. */
    public Optional<String> username(String igAccountId) {
        IgmeConfig.Account account = config.accounts().get(igAccountId);
        return account == null ? Optional.empty() : account.username().map(String::strip).filter(u -> !u.isEmpty());
    }

    public boolean accountConfigured(String igAccountId) {
        return config.accounts().containsKey(igAccountId);
    }

    /** {@code https://ig.me/m/<username>?ref=<ref>}: a ref needs no escaping (its alphabet is URL-safe). */
    public static String igMeUrl(String username, String ref) {
        return IG_ME + username + "?ref=" + ref;
    }

    /** {@code <public-url>/r/<id>}, or null when no public URL is configured. */
    public String trackedUrl(String linkId) {
        return publicUrl == null ? null : publicUrl + "/r/" + linkId;
    }

    private static String checkedUrl(String url) {
        String trimmed = url.strip().replaceAll("/+$", "");
        try {
            URI uri = URI.create(trimmed);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getQuery() != null) {
                throw new IllegalArgumentException("not an http(s) URL with a host");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("igme.links.public-url must be the redirect's base URL, such as"
                    + " https://go.example.com: " + e.getMessage());
        }
        return trimmed;
    }
}
