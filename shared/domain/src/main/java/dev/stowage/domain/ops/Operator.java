package dev.stowage.domain.ops;

import dev.stowage.domain.Principal;
import java.util.Objects;

/** A caller whose token carries the operator claim; only the edge that checked the claim makes one. */
public record Operator(Principal principal) {
    public Operator {
        Objects.requireNonNull(principal, "principal");
    }
}
