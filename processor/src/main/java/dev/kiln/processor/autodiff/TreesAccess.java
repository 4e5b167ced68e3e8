package dev.kiln.processor.autodiff;

import com.sun.source.util.Trees;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Optional;
import javax.annotation.processing.ProcessingEnvironment;

/**
 * Finds javac's tree API behind the processing environment. Build tools wrap javac's environment:
 * Gradle's incremental processing keeps it in a {@code delegate} field, IntelliJ hands out a
 * {@link Proxy}; both are unwrapped by reflection (the processor may use it, the runtime never
 * does). Another compiler (Eclipse's) has no tree API: then every body runs eagerly, with a note.
 */
public final class TreesAccess {
    private TreesAccess() {}

    /** The {@link Trees} of {@code env}, or empty when no javac environment is reachable. */
    public static Optional<Trees> of(ProcessingEnvironment env) {
        ProcessingEnvironment current = env;
        for (int depth = 0; current != null && depth < 8; depth++) {
            try {
                return Optional.of(Trees.instance(current));
            } catch (IllegalArgumentException | LinkageError e) {
                current = unwrap(current);
            }
        }
        return Optional.empty();
    }

    private static ProcessingEnvironment unwrap(ProcessingEnvironment env) {
        if (Proxy.isProxyClass(env.getClass())) {
            InvocationHandler handler = Proxy.getInvocationHandler(env);
            ProcessingEnvironment inner = fieldOfType(handler);
            if (inner != null) {
                return inner;
            }
        }
        return fieldOfType(env);
    }

    /** The first field of {@code owner} (or its superclasses) holding another ProcessingEnvironment ({@code delegate}). */
    private static ProcessingEnvironment fieldOfType(Object owner) {
        for (Class<?> c = owner.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!ProcessingEnvironment.class.isAssignableFrom(f.getType()) && !f.getName().equals("delegate")) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    Object value = f.get(owner);
                    if (value instanceof ProcessingEnvironment inner && inner != owner) {
                        return inner;
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // Not accessible (a module boundary): try the next field.
                }
            }
        }
        return null;
    }
}
