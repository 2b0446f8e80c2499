// Shared by every program that colours a value (BuildProgram puts it before both stages of
// token.vert/token.frag and folded.vert/folded.frag, after the constants' prefix): the resolved
// ValueMapping's uniforms (src/core/value_mapping.hpp), MapValue mirroring th::MapValue, the
// palette lookup and the no-value hatching. Written once here, so that the instanced boxes and
// the zoomed-out grid colour a value alike.
//
// A program may be built for one mapping mode (#define TH_MAPPING_MODE kLinear, kLog or kBuckets)
// and for gamma 1 (#define TH_GAMMA_ONE): llvmpipe runs every branch of a shader for every
// invocation, so folded.frag, which maps a value per pixel, compiles only its own mode's
// arithmetic. Without them (token.vert, a value per vertex) the mode and gamma are uniforms.
#ifdef TH_MAPPING_MODE
#define TH_MODE TH_MAPPING_MODE
#else
uniform int uMode;             // kLinear, kLog or kBuckets
#define TH_MODE uMode
#endif
uniform float uLow;
uniform float uHigh;
#ifndef TH_GAMMA_ONE
uniform float uGamma;
#endif
uniform float uThresholds[kMaxThresholds];
uniform int uThresholdCount;
uniform sampler1D uPalette;    // 256 entries: linear filtering, nearest for categorical palettes
uniform int uPaletteStops;
uniform bool uCategorical;

// Mirrors th::MapValue: returns t in [0, 1] and sets clipped.
float MapValue(float x, out int clipped) {
  clipped = 0;
  if (TH_MODE == kBuckets) {
    int bucket = 0;
    for (int i = 0; i < uThresholdCount; ++i) bucket += x >= uThresholds[i] ? 1 : 0;
    if (uCategorical) return (float(min(bucket, uPaletteStops - 1)) + 0.5) / float(uPaletteStops);
    return uThresholdCount > 0 ? float(bucket) / float(uThresholdCount) : 0.5;
  }
  float lo = uLow;
  float hi = uHigh;
  float v = x;
  clipped = x < lo ? -1 : (x > hi ? 1 : 0);
  if (TH_MODE == kLog) {
    if (x <= 0.0 || lo <= 0.0 || hi <= 0.0) {
      clipped = x <= 0.0 ? -1 : clipped;
      return 0.0;
    }
    lo = log(lo);
    hi = log(hi);
    v = log(x);
  }
  // Never NaN when hi == lo; halving first keeps hi - lo finite for ranges as wide as +-FLT_MAX.
  float t = hi > lo ? clamp((0.5 * v - 0.5 * lo) / (0.5 * hi - 0.5 * lo), 0.0, 1.0) : 0.5;
#ifdef TH_GAMMA_ONE
  return t;
#else
  return uGamma != 1.0 ? pow(t, uGamma) : t;
#endif
}

// The palette's colour at t. Entry i of the palette's table is exact at the centre of its slice,
// (i + 0.5) / 256, where matplotlib looks it up for t in [i/256, (i+1)/256) (th::Palette::At).
// Level 0 explicitly: the same lookup in a vertex and in a fragment shader.
vec3 PaletteColour(float t) {
  return textureLod(uPalette, t, 0.0).rgb;
}

// "No value": diagonal grey hatching, a pattern no palette produces, fixed to the window's pixels
// (frag_coord: gl_FragCoord.xy).
vec3 NoValueHatch(vec2 frag_coord) {
  float stripe = mod(floor((frag_coord.x + frag_coord.y) / 3.0), 2.0);
  return mix(vec3(0.80), vec3(0.62), stripe);
}
