package dev.kiln.nn;

import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.tensor.Tensor;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The structure of a class that carries Kiln annotations but was compiled without the processor,
 * read by reflection: the fallback of {@link ModuleStructures}, slower than generated code and with
 * the same results (order, names, containers). Misuses the processor would reject at compile time
 * (a static or non-tensor {@code @Param}, two {@code @Forward} methods) are reported here, the first
 * time the class is used, as an {@link IllegalStateException}.
 *
 * <p>Fields are read in the order {@link Class#getDeclaredFields()} returns them, which is
 * declaration order on HotSpot and every JVM Kiln supports.
 */
final class ModuleReflection implements ModuleStructure<Module> {

    private enum Kind { PARAM, BUFFER, LAYER, LAYER_LIST, LAYER_ARRAY, LAYER_MAP }

    /** {@code flag} is a buffer's {@code persistent}, or a container's {@code inline}. */
    private record Member(Field field, Kind kind, boolean flag) {}

    private final Class<?> type;
    private final ModuleStructure<Module> parent;
    private final List<Member> members = new ArrayList<>();
    private final Method forward;
    private final String signature;

    ModuleReflection(Class<?> type, ModuleStructure<Module> parent) {
        this.type = type;
        this.parent = parent;
        for (Field f : type.getDeclaredFields()) {
            Member m = member(f);
            if (m != null) {
                open(f);
                members.add(m);
            }
        }
        Method found = null;
        for (Method m : type.getDeclaredMethods()) {
            if (!m.isAnnotationPresent(Forward.class)) {
                continue;
            }
            if (found != null) {
                throw misuse("has two @Forward methods, " + found.getName() + " and " + m.getName()
                        + "; keep @Forward on one");
            }
            if (Modifier.isStatic(m.getModifiers()) || Modifier.isAbstract(m.getModifiers())) {
                throw misuse("@Forward method " + m.getName() + " may not be static or abstract");
            }
            found = m;
        }
        this.forward = found;
        if (found != null) {
            open(found);
            StringJoiner params = new StringJoiner(", ", type.getSimpleName() + "." + found.getName() + "(", ")");
            Class<?>[] types = found.getParameterTypes();
            for (int i = 0; i < types.length; i++) {
                params.add(i == types.length - 1 && found.isVarArgs()
                        ? types[i].getComponentType().getSimpleName() + "..."
                        : types[i].getSimpleName());
            }
            this.signature = params.toString();
        } else {
            this.signature = parent.forwardSignature();
        }
    }

    private Member member(Field f) {
        boolean param = f.isAnnotationPresent(Param.class);
        Buffer buffer = f.getAnnotation(Buffer.class);
        Layer layerAnnotation = f.getAnnotation(Layer.class);
        boolean layer = layerAnnotation != null;
        int count = (param ? 1 : 0) + (buffer != null ? 1 : 0) + (layer ? 1 : 0);
        if (count == 0) {
            return null;
        }
        if (count > 1) {
            throw misuse("field '" + f.getName() + "' has more than one of @Param, @Buffer and @Layer; keep one");
        }
        if (Modifier.isStatic(f.getModifiers())) {
            throw misuse("annotated field '" + f.getName() + "' may not be static");
        }
        Class<?> t = f.getType();
        if (param || buffer != null) {
            if (t != Tensor.class) {
                throw misuse("@" + (param ? "Param" : "Buffer") + " field '" + f.getName() + "' has type "
                        + t.getSimpleName() + "; declare it as Tensor");
            }
            return new Member(f, param ? Kind.PARAM : Kind.BUFFER, buffer == null || buffer.persistent());
        }
        boolean inline = layerAnnotation.inline();
        if (Module.class.isAssignableFrom(t)) {
            if (inline) {
                throw misuse("@Layer(inline = true) field '" + f.getName() + "' holds a single module");
            }
            return new Member(f, Kind.LAYER, false);
        }
        if (t.isArray() && Module.class.isAssignableFrom(t.getComponentType())) {
            return new Member(f, Kind.LAYER_ARRAY, inline);
        }
        if (List.class.isAssignableFrom(t)) {
            return new Member(f, Kind.LAYER_LIST, inline);
        }
        if (Map.class.isAssignableFrom(t)) {
            return new Member(f, Kind.LAYER_MAP, inline);
        }
        throw misuse("@Layer field '" + f.getName() + "' has type " + t.getSimpleName()
                + "; use a Module, a List or array of modules, or a Map<String, Module>");
    }

    private IllegalStateException misuse(String what) {
        return new IllegalStateException(type.getName() + " (compiled without the Kiln processor): " + what);
    }

    private void open(AccessibleObject member) {
        try {
            member.setAccessible(true);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Kiln cannot read " + member + " by reflection (" + e.getMessage()
                    + "); compile " + type.getName() + " with the Kiln annotation processor, or open its package "
                    + "to dev.kiln.runtime", e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void visitMembers(Module module, ModuleVisitor visitor) {
        parent.visitMembers(module, visitor);
        for (Member m : members) {
            Object value = get(m.field(), module);
            String name = m.field().getName();
            switch (m.kind()) {
                case PARAM -> visitor.parameter(name, (Tensor) value);
                case BUFFER -> visitor.buffer(name, (Tensor) value, m.flag());
                case LAYER -> visitor.layer(name, (Module) value);
                case LAYER_ARRAY -> visitor.layerArray(name, (Module[]) value, m.flag());
                case LAYER_LIST -> visitor.layerList(name, checkedList(name, (List<?>) value), m.flag());
                case LAYER_MAP -> visitor.layerMap(name, checkedMap(name, (Map<?, ?>) value), m.flag());
                default -> throw new AssertionError(m.kind());
            }
        }
    }

    private List<Module> checkedList(String name, List<?> list) {
        if (list == null) {
            return null;
        }
        List<Module> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (o != null && !(o instanceof Module)) {
                throw misuse("@Layer list '" + name + "' holds a " + o.getClass().getName() + ", not a Module");
            }
            out.add((Module) o);
        }
        return out;
    }

    private Map<String, ? extends Module> checkedMap(String name, Map<?, ?> map) {
        if (map == null) {
            return null;
        }
        Map<String, Module> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key) || (e.getValue() != null && !(e.getValue() instanceof Module))) {
                throw misuse("@Layer map '" + name + "' must map String keys to modules");
            }
            out.put(key, (Module) e.getValue());
        }
        return out;
    }

    @Override
    public void mapTensors(Module module, ModuleTensorMapper mapper) {
        parent.mapTensors(module, mapper);
        for (Member m : members) {
            String name = m.field().getName();
            if (m.kind() == Kind.PARAM) {
                set(m.field(), module, mapper.parameter(name, (Tensor) get(m.field(), module)));
            } else if (m.kind() == Kind.BUFFER) {
                set(m.field(), module, mapper.buffer(name, (Tensor) get(m.field(), module)));
            }
        }
    }

    @Override
    public Object invokeForward(Module module, Object[] args) {
        if (forward == null) {
            return parent.invokeForward(module, args);
        }
        Class<?>[] types = forward.getParameterTypes();
        boolean varargs = types.length > 0 && types[types.length - 1] == Tensor[].class;
        int fixed = varargs ? types.length - 1 : types.length;
        if (varargs) {
            ModuleArgs.checkAtLeast(args, fixed, signature);
        } else {
            ModuleArgs.checkCount(args, fixed, signature);
        }
        Object[] actual = new Object[types.length];
        for (int i = 0; i < fixed; i++) {
            actual[i] = convert(types[i], args, i);
        }
        if (varargs) {
            actual[fixed] = ModuleArgs.tensors(args, fixed, signature);
        }
        try {
            return forward.invoke(module, actual);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(signature + " threw " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Kiln cannot call " + signature + " by reflection", e);
        }
    }

    private Object convert(Class<?> t, Object[] args, int i) {
        if (t == Tensor.class) {
            return ModuleArgs.tensor(args, i, signature);
        } else if (t == int.class) {
            return ModuleArgs.intArg(args, i, signature);
        } else if (t == long.class) {
            return ModuleArgs.longArg(args, i, signature);
        } else if (t == float.class) {
            return ModuleArgs.floatArg(args, i, signature);
        } else if (t == double.class) {
            return ModuleArgs.doubleArg(args, i, signature);
        } else if (t == boolean.class) {
            return ModuleArgs.booleanArg(args, i, signature);
        } else if (t == short.class) {
            return ModuleArgs.shortArg(args, i, signature);
        } else if (t == byte.class) {
            return ModuleArgs.byteArg(args, i, signature);
        } else if (t == char.class) {
            return ModuleArgs.charArg(args, i, signature);
        }
        return ModuleArgs.arg(args, i, t, signature);
    }

    @Override
    public String forwardSignature() {
        return signature;
    }

    private static Object get(Field f, Object target) {
        try {
            return f.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Kiln cannot read " + f, e);
        }
    }

    private static void set(Field f, Object target, Object value) {
        try {
            f.set(target, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Kiln cannot assign " + f, e);
        }
    }

    @Override
    public String toString() {
        return "ModuleReflection[" + type.getName() + "]";
    }
}
