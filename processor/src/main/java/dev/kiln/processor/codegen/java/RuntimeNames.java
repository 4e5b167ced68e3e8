package dev.kiln.processor.codegen.java;

import com.palantir.javapoet.ClassName;

/** The runtime types generated Java code refers to (the processor cannot depend on the runtime). */
final class RuntimeNames {
    static final ClassName MODULE_STRUCTURE = ClassName.get("dev.kiln.nn", "ModuleStructure");
    static final ClassName MODULE_VISITOR = ClassName.get("dev.kiln.nn", "ModuleVisitor");
    static final ClassName MODULE_TENSOR_MAPPER = ClassName.get("dev.kiln.nn", "ModuleTensorMapper");
    static final ClassName MODULE_ARGS = ClassName.get("dev.kiln.nn", "ModuleArgs");
    static final ClassName TENSOR = ClassName.get("dev.kiln.tensor", "Tensor");
    static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

    private RuntimeNames() {}
}
