{
  "targets": [
    {
      "target_name": "saddle_native",
      "sources": ["src/addon.c"],
      "cflags": ["-O3", "-march=x86-64-v2", "-mtune=generic", "-fno-math-errno", "-std=c11"],
      "libraries": ["-l:libopenblas.so.0", "-lm"]
    }
  ]
}
