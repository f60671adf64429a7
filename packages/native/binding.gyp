{
  "targets": [
    {
      "target_name": "saddle_vecmath",
      "type": "static_library",
      "sources": ["src/vecmath.c"],
      "cflags": ["-O3", "-ffast-math", "-mavx2", "-mfma", "-fPIC"]
    },
    {
      "target_name": "saddle_native",
      "sources": ["src/addon.c"],
      "dependencies": ["saddle_vecmath"],
      "cflags": ["-O3", "-march=x86-64-v2", "-mtune=generic", "-fno-math-errno", "-std=gnu11"],
      "libraries": ["-l:libopenblas.so.0", "-lmvec", "-lm"]
    }
  ]
}
