package dev.stowage.storage.s3;

import io.micronaut.aop.Around;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A bean injected as a proxy that builds the real one on its first method call (then keeps it): for an SDK client
 * most invocations of a function never call, whose building costs a cold start seconds of class loading.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@Around(proxyTarget = true, lazy = true, cacheableLazyTarget = true)
public @interface BuiltOnFirstCall {
}
