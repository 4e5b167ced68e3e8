package dev.kiln.backend;

import dev.kiln.backend.cpu.CpuBackend;
import dev.kiln.tensor.Device;
import dev.kiln.tensor.Tensor;

/** Finds the backend that owns a tensor's storage, and moves tensors between devices. */
public final class Backends {
    private Backends() {}

    /** The backend for the device {@code t} lives on. */
    public static Backend of(Tensor t) {
        Device device = t.device();
        if (device.isCpu()) {
            return CpuBackend.INSTANCE;
        }
        throw cudaUnavailable(device);
    }

    /** A copy of {@code t} on {@code target}. */
    public static Tensor transfer(Tensor t, Device target) {
        if (target.isCpu() && t.device().isCpu()) {
            return t;
        }
        throw cudaUnavailable(target);
    }

    private static UnsupportedOperationException cudaUnavailable(Device device) {
        return new UnsupportedOperationException("device " + device + ": the CUDA backend is not available in this "
                + "build of Kiln yet; tensors and modules stay on the CPU (Device.cpu())");
    }
}
