package dev.stowage.lambda.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.Arrays;
import java.util.Map;

/**
 * Who is an operator: a token whose {@code operator-claim} holds {@code operator-value}, either as the whole
 * claim (a role claim, {@code stowage:role = operator}) or as one of its space-separated words (an OAuth
 * {@code scope} claim, the default: {@code scope} containing {@code stowage/operator}, which the template's
 * {@code OperatorScope} also makes API Gateway require).
 */
@Context
@ConfigurationProperties("stowage.ops")
public record OpsSettings(
        @Bindable(defaultValue = "scope") String operatorClaim,
        @Bindable(defaultValue = "stowage/operator") String operatorValue) {

    public OpsSettings {
        if (operatorClaim == null || operatorClaim.isBlank()) {
            throw Invalid.setting("stowage.ops.operator-claim", "must name a claim");
        }
        if (operatorValue == null || operatorValue.isBlank() || operatorValue.chars().anyMatch(Character::isWhitespace)) {
            throw Invalid.setting("stowage.ops.operator-value", "must be one word, got '" + operatorValue + "'");
        }
    }

    /**
     * Whether these claims make an operator. API Gateway hands a list claim over as {@code [a b]}; the local
     * authorizer joins one with spaces; both count word by word.
     */
    public boolean grants(Map<String, String> claims) {
        String value = claims.get(operatorClaim);
        if (value == null) {
            return false;
        }
        String words = value.strip();
        if (words.startsWith("[") && words.endsWith("]")) {
            words = words.substring(1, words.length() - 1);
        }
        return Arrays.asList(words.split("[\\s,]+")).contains(operatorValue);
    }
}
