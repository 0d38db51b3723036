package dev.stowage.lambda.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsSettingsTest {
    final OpsSettings scope = new OpsSettings("scope", "stowage/operator");
    final OpsSettings role = new OpsSettings("stowage:role", "operator");

    @Test
    void aScopeClaimGrantsWhenOneOfItsWordsIsTheValue() {
        assertTrue(scope.grants(Map.of("scope", "stowage/operator")));
        assertTrue(scope.grants(Map.of("scope", "openid  stowage/operator profile")));
        assertTrue(scope.grants(Map.of("scope", "[openid stowage/operator]"))); // API Gateway's list form
        assertFalse(scope.grants(Map.of("scope", "openid stowage/operators")));
        assertFalse(scope.grants(Map.of("scope", "openid")));
        assertFalse(scope.grants(Map.of("sub", "stowage/operator")));
    }

    @Test
    void aPlainRoleClaimGrantsWhenItIsTheValue() {
        assertTrue(role.grants(Map.of("stowage:role", "operator")));
        assertFalse(role.grants(Map.of("stowage:role", "operators")));
        assertFalse(role.grants(Map.of("scope", "operator")));
    }

    @Test
    void aBlankClaimOrAValueOfSeveralWordsStopsStartUp() {
        assertThrows(IllegalArgumentException.class, () -> new OpsSettings(" ", "operator"));
        assertThrows(IllegalArgumentException.class, () -> new OpsSettings("scope", "stowage operator"));
    }
}
