# cmake -DINPUT=file -DOUTPUT=file.cpp -DNAME=identifier -P EmbedText.cmake
# Writes OUTPUT: a C++ source defining `extern const char parity::embedded::NAME[]`, the text of
# INPUT as a raw string literal, so a file that is easier to read and check as itself (a Python
# module) is still part of the binary.
file(READ "${INPUT}" text)
set(delimiter "PARITY_EMBED")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains )${delimiter}\", which would end the literal")
endif()
file(WRITE "${OUTPUT}"
  "// Generated at build time from ${INPUT} by EmbedText.cmake. Do not edit.\n"
  "namespace parity::embedded {\n"
  "extern const char ${NAME}[];\n"
  "const char ${NAME}[] = R\"${delimiter}(${text})${delimiter}\";\n"
  "}  // namespace parity::embedded\n")
