package dev.kiln.annotations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

class AnnotationsTest {

    static class Annotated {
        @Layer Object layer;
        @Param Object param;
        @Buffer(persistent = false) Object buffer;

        @Forward(compile = CompileMode.REQUIRED)
        Object forward() {
            return null;
        }
    }

    @Test
    void everyAnnotationIsRetainedAtRunTimeForTheReflectiveFallback() {
        for (Class<?> a : new Class<?>[] {Layer.class, Param.class, Buffer.class, Forward.class}) {
            assertEquals(RetentionPolicy.RUNTIME, a.getAnnotation(Retention.class).value(), a.getName());
        }
    }

    @Test
    void fieldAnnotationsTargetFieldsAndForwardTargetsMethods() {
        for (Class<?> a : new Class<?>[] {Layer.class, Param.class, Buffer.class}) {
            assertArrayEquals(new ElementType[] {ElementType.FIELD}, a.getAnnotation(Target.class).value());
        }
        assertArrayEquals(new ElementType[] {ElementType.METHOD}, Forward.class.getAnnotation(Target.class).value());
    }

    @Test
    void attributesAndDefaultsAreReadable() throws Exception {
        Field buffer = Annotated.class.getDeclaredField("buffer");
        assertTrue(!buffer.getAnnotation(Buffer.class).persistent());
        Method forward = Annotated.class.getDeclaredMethod("forward");
        assertEquals(CompileMode.REQUIRED, forward.getAnnotation(Forward.class).compile());
        assertEquals(CompileMode.AUTO, Forward.class.getMethod("compile").getDefaultValue());
        assertEquals(Boolean.TRUE, Buffer.class.getMethod("persistent").getDefaultValue());
    }
}
