package dev.igme.reply.rules;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ReplyRuleRepository implements PanacheRepositoryBase<ReplyRuleEntity, Long> {
}
