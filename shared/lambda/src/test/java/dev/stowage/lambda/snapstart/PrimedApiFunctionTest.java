package dev.stowage.lambda.snapstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.testkit.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextConfiguration;
import io.micronaut.context.annotation.ConfigurationReader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a primed function builds its context on Lambda, and what its hook refuses. */
class PrimedApiFunctionTest {

    static final class NoRoutes extends PrimedApiFunction {
        NoRoutes(ApplicationContext context) {
            super(context);
        }

        @Override
        protected List<SyntheticRequest> primingRequests() {
            return List.of(SyntheticRequest.of("GET", "/v1/no-such-route", "", 200));
        }
    }

    @Test
    void onLambdaTheContextBuildsConfigurationEagerlyButNoSingletonBeforeSomethingNeedsIt() {
        try (NoRoutes function = new NoRoutes(ApplicationContext.run(TestStack.get().micronautProperties()))) {
            var builder = (ApplicationContextConfiguration) function.newApplicationContextBuilder();

            assertEquals(List.of("function", "lambda"), builder.getEnvironments());
            assertTrue(builder.isEagerInitConfiguration(), "a bad setting must still stop the function as it starts");
            assertFalse(builder.isEagerInitSingletons());
            assertEquals(Set.of(ConfigurationReader.class), builder.getEagerInitAnnotated(), "only configuration is eager");
        }
    }

    @Test
    void aSyntheticRequestAnsweredOtherwiseThanExpectedRefusesTheSnapshot() {
        try (NoRoutes function = new NoRoutes(ApplicationContext.run(TestStack.get().micronautProperties()))) {
            var refused = assertThrows(IllegalStateException.class, () -> function.priming().beforeCheckpoint(null));

            assertTrue(refused.getMessage().contains("GET /v1/no-such-route -> 200 answered 4"), refused.getMessage());
            assertEquals(List.of(), function.priming().answered());
        }
    }

    @Test
    void aDefaultSecureRandomThatWouldReplayItsStateRefusesTheSnapshot() {
        SnapStartPriming.requireSnapSafeRandom("NativePRNG");
        var refused = assertThrows(IllegalStateException.class, () -> SnapStartPriming.requireSnapSafeRandom("DRBG"));
        assertTrue(refused.getMessage().contains("DRBG"), refused.getMessage());
    }
}
