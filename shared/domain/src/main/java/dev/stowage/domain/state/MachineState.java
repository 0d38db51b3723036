package dev.stowage.domain.state;

import java.util.Locale;

/** A state of one of the lifecycle machines; its wire and column form is the lower-case name. */
public interface MachineState<S extends Enum<S> & MachineState<S>> {

    Transitions<S> transitions();

    String name();

    @SuppressWarnings("unchecked")
    default boolean canMoveTo(S next) {
        return transitions().allows((S) this, next);
    }

    @SuppressWarnings("unchecked")
    default boolean isTerminal() {
        return transitions().isTerminal((S) this);
    }

    default String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static <S extends Enum<S>> S fromWire(Class<S> type, String wire) {
        return Enum.valueOf(type, wire.toUpperCase(Locale.ROOT));
    }
}
