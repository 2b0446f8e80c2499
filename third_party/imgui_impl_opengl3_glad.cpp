// Debian's ImGui OpenGL3 backend, built against our glad loader (IMGUI_IMPL_OPENGL_LOADER_CUSTOM
// makes the backend include no GL header of its own, so glad must come first).
#include <glad/gl.h>
#include "imgui_impl_opengl3.cpp"
