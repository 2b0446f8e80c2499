# cmake -P helper: INPUT file -> OUTPUT .cpp defining th::shaders::IDENT as a raw string literal.
file(READ ${INPUT} content)
file(WRITE ${OUTPUT} "namespace th::shaders {\nextern const char* const ${IDENT};\nconst char* const ${IDENT} = R\"th_shader(${content})th_shader\";\n}\n")
