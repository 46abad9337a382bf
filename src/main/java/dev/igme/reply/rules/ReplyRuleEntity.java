package dev.igme.reply.rules;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Table {@code reply_rule}; list-valued fields are JSON text. Converted to {@link ReplyRule} by {@link ReplyRules}. */
@Entity
@Table(name = "reply_rule")
public class ReplyRuleEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String name;
    @Column(name = "match_type")
    public String matchType;
    /** Null (with match_type) for a rule that matches on campaign, channel or link alone. */
    public String pattern;
    @Column(name = "case_insensitive")
    public boolean caseInsensitive;
    public String scenarios;
    public String accounts;
    /** JSON lists; empty lists for rules that match on the ref alone. */
    public String campaigns;
    public String channels;
    public String links;
    public int priority;
    @Column(name = "cooldown_seconds")
    public long cooldownSeconds;
    public boolean enabled;
    @Column(name = "message_text")
    public String messageText;
    @Column(name = "quick_replies")
    public String quickReplies;
    @Column(name = "coupon_pool")
    public String couponPool;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
