package dev.stowage.lambda.json;

import io.micronaut.core.type.Argument;
import io.micronaut.serde.Decoder;
import io.micronaut.serde.Deserializer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Integer fields of request bodies take whole numbers only. The default decoding truncates, so a
 * {@code byteSize} of {@code 1.5} would be taken as 1 and a part number of {@code 2.9} as 2: a client's
 * mistake silently becomes another request. Here {@code 1.5} is refused and {@code 2.0} or {@code 1e3}
 * (whole numbers written another way) are taken; a value outside the type's range is refused too.
 */
public final class WholeNumbers {
    private WholeNumbers() {}

    static BigDecimal whole(Decoder decoder, long min, long max) throws IOException {
        BigDecimal value = decoder.decodeBigDecimal();
        boolean whole = value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
        if (!whole || value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            // toString, not toPlainString: the plain spelling of 1e999999999 is a billion digits (gigabytes, from a
            // 20-byte body), while toString keeps an exponent and is about as long as what the client wrote.
            throw decoder.createDeserializationException(
                    "must be a whole number from " + min + " to " + max + ", was " + value, value);
        }
        return value;
    }

    /** {@code Long} and {@code long} fields. */
    @Singleton
    public static final class Longs implements Deserializer<Long> {
        @Override
        public Long deserialize(Decoder decoder, DecoderContext context, Argument<? super Long> type)
                throws IOException {
            return whole(decoder, Long.MIN_VALUE, Long.MAX_VALUE).longValueExact();
        }
    }

    /** {@code Integer} and {@code int} fields. */
    @Singleton
    public static final class Integers implements Deserializer<Integer> {
        @Override
        public Integer deserialize(Decoder decoder, DecoderContext context, Argument<? super Integer> type)
                throws IOException {
            return whole(decoder, Integer.MIN_VALUE, Integer.MAX_VALUE).intValueExact();
        }
    }
}
