// Batch assembly from a dataset held on the device as bytes.

// x[b, j] = images[indices[start + b], j] / 255 for a batch of
// n = batch * features values.
__kernel void gather_images(const uint n, const uint features,
                            __global const uchar *images,
                            __global const int *indices, const uint start,
                            __global float *x, const uint x_offset)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const uint b = i / features;
    const uint j = i % features;
    const ulong row = (ulong)indices[start + b];
    x[x_offset + i] = (float)images[row * features + j] * (1.0f / 255.0f);
}

// y[b] = label_map[labels[indices[start + b]]]; label_map turns class
// indices into training targets (the identity, or 0/1 for a binary task).
__kernel void gather_labels(const uint batch, __global const uchar *labels,
                            __global const int *indices, const uint start,
                            __global const int *label_map,
                            __global int *y, const uint y_offset)
{
    const uint b = get_global_id(0);
    if (b < batch)
        y[y_offset + b] = label_map[labels[indices[start + b]]];
}
