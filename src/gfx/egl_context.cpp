#include "gfx/egl_context.hpp"

#include <glad/egl.h>
#include <glad/gl.h>

#include "gfx/gl_objects.hpp"

namespace th::gl {

namespace {

// Surfaceless first (Mesa without any display), then the first EGL device.
EGLDisplay OpenDisplay() {
  if (eglGetPlatformDisplayEXT == nullptr) return EGL_NO_DISPLAY;
  // eglGetPlatformDisplay (EGL 1.5) is not loaded before a display exists; use the EXT entry.
  EGLDisplay display = eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
  if (display != EGL_NO_DISPLAY) return display;
  if (eglQueryDevicesEXT == nullptr) return EGL_NO_DISPLAY;
  EGLDeviceEXT device = nullptr;
  EGLint count = 0;
  if (!eglQueryDevicesEXT(1, &device, &count) || count < 1) return EGL_NO_DISPLAY;
  return eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT, device, nullptr);
}

}  // namespace

std::unique_ptr<HeadlessContext> HeadlessContext::Create() {
  if (gladLoaderLoadEGL(EGL_NO_DISPLAY) == 0) throw GlError("EGL: cannot load libEGL.so.1");
  EGLDisplay display = OpenDisplay();
  if (display == EGL_NO_DISPLAY) throw GlError("EGL: no surfaceless or device display available");
  EGLint major = 0, minor = 0;
  if (!eglInitialize(display, &major, &minor))
    throw GlError("EGL: eglInitialize failed (error 0x" + std::to_string(eglGetError()) + ")");
  // Reload now that a display exists, to get display extensions and EGL 1.5 entry points.
  gladLoaderLoadEGL(display);
  std::unique_ptr<HeadlessContext> context(new HeadlessContext);
  context->m_display = display;
  if (!eglBindAPI(EGL_OPENGL_API)) throw GlError("EGL: desktop OpenGL is not available");

  const EGLint config_attributes[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE,
                                      EGL_OPENGL_BIT,   EGL_RED_SIZE,    8,
                                      EGL_GREEN_SIZE,   8,               EGL_BLUE_SIZE,
                                      8,                EGL_ALPHA_SIZE,  8,
                                      EGL_NONE};
  EGLConfig config = nullptr;
  EGLint config_count = 0;
  if (!eglChooseConfig(display, config_attributes, &config, 1, &config_count) || config_count < 1)
    throw GlError("EGL: no RGBA8 OpenGL config");
  const EGLint context_attributes[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                                       EGL_CONTEXT_OPENGL_PROFILE_MASK,
                                       EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
  EGLContext egl_context = eglCreateContext(display, config, EGL_NO_CONTEXT, context_attributes);
  if (egl_context == EGL_NO_CONTEXT) throw GlError("EGL: cannot create a GL 3.3 core context");
  context->m_context = egl_context;
  if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, egl_context))
    throw GlError("EGL: cannot make the context current without a surface");
  const int version = gladLoadGL(reinterpret_cast<GLADloadfunc>(eglGetProcAddress));
  if (version == 0 || GLAD_VERSION_MAJOR(version) * 10 + GLAD_VERSION_MINOR(version) < 33)
    throw GlError("EGL: the context does not provide OpenGL 3.3");
  return context;
}

HeadlessContext::~HeadlessContext() {
  // No eglTerminate: it unloads Mesa's driver, which LeakSanitizer then reports, and the display
  // is shared by every context of the process anyway.
  if (m_context != nullptr) {
    eglMakeCurrent(static_cast<EGLDisplay>(m_display), EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    eglDestroyContext(static_cast<EGLDisplay>(m_display), static_cast<EGLContext>(m_context));
  }
}

std::string HeadlessContext::Description() const {
  const auto text = [](GLenum name) {
    const auto* value = reinterpret_cast<const char*>(glGetString(name));
    return std::string(value ? value : "?");
  };
  return text(GL_RENDERER) + " / " + text(GL_VERSION);
}

}  // namespace th::gl
