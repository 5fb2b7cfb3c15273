# parity_write_build_config(<library target> <output.json>)
# Writes, at generate time, what compiling a case by hand takes: the C++ compiler, its flags (as
# the case targets get them: CMAKE_CXX_FLAGS, the build type's flags, directory compile options,
# the C++ standard), the library's include directories and definitions, the library file itself
# and everything it links against (imported targets resolved to files, Threads to -pthread).
# CaseBuilder (harness/src/case_builder.cpp) reads the file.

function(_parity_json_array out)
  set(items "")
  foreach(item IN LISTS ARGN)
    string(REPLACE "\\" "\\\\" item "${item}")
    string(REPLACE "\"" "\\\"" item "${item}")
    list(APPEND items "\"${item}\"")
  endforeach()
  list(JOIN items ", " joined)
  set(${out} "[${joined}]" PARENT_SCOPE)
endfunction()

# Link items of `target` and, transitively, of the imported targets it names.
function(_parity_link_items target out)
  set(result "")
  set(pending "${target}")
  set(seen "")
  while(pending)
    list(POP_FRONT pending current)
    if(current IN_LIST seen)
      continue()
    endif()
    list(APPEND seen "${current}")
    get_target_property(items ${current} INTERFACE_LINK_LIBRARIES)
    if(NOT items)
      continue()
    endif()
    foreach(item IN LISTS items)
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
      if(item STREQUAL "Threads::Threads")
        list(APPEND result "-pthread")
      elseif(TARGET ${item})
        get_target_property(type ${item} TYPE)
        if(NOT type STREQUAL "INTERFACE_LIBRARY")
          list(APPEND result "$<TARGET_FILE:${item}>")
        endif()
        list(APPEND pending "${item}")
      elseif(item MATCHES "^([A-Za-z0-9_]+)::")
        # An imported target of another directory (imported targets are directory-scoped): import
        # its package here too, then resolve it like the others.
        find_package(${CMAKE_MATCH_1} QUIET)
        if(TARGET ${item})
          list(APPEND result "$<TARGET_FILE:${item}>")
          list(APPEND pending "${item}")
        else()
          message(WARNING "parity build config: cannot resolve link item ${item}")
        endif()
      elseif(item MATCHES "^-" OR IS_ABSOLUTE "${item}")
        list(APPEND result "${item}")
      elseif(item)
        list(APPEND result "-l${item}")
      endif()
    endforeach()
  endwhile()
  list(REMOVE_DUPLICATES result)
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

function(parity_write_build_config target output)
  string(TOUPPER "${CMAKE_BUILD_TYPE}" config)
  separate_arguments(compile_flags UNIX_COMMAND "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${config}}")
  get_directory_property(directory_options DIRECTORY ${PROJECT_SOURCE_DIR} COMPILE_OPTIONS)
  list(APPEND compile_flags ${directory_options})
  if(CMAKE_CXX_STANDARD)
    if(CMAKE_CXX_EXTENSIONS)
      list(APPEND compile_flags "${CMAKE_CXX${CMAKE_CXX_STANDARD}_EXTENSION_COMPILE_OPTION}")
    else()
      list(APPEND compile_flags "${CMAKE_CXX${CMAKE_CXX_STANDARD}_STANDARD_COMPILE_OPTION}")
    endif()
  endif()
  separate_arguments(link_flags UNIX_COMMAND
    "${CMAKE_EXE_LINKER_FLAGS} ${CMAKE_EXE_LINKER_FLAGS_${config}}")
  _parity_link_items(${target} link_libraries)

  _parity_json_array(compile_flags_json ${compile_flags})
  _parity_json_array(link_flags_json ${link_flags})
  _parity_json_array(link_libraries_json ${link_libraries})
  # Generator-expression lists: joined into JSON string arrays at generate time.
  set(includes "$<TARGET_PROPERTY:${target},INTERFACE_INCLUDE_DIRECTORIES>")
  set(definitions "$<TARGET_PROPERTY:${target},INTERFACE_COMPILE_DEFINITIONS>")
  file(GENERATE OUTPUT ${output} CONTENT "{
  \"compiler\": \"${CMAKE_CXX_COMPILER}\",
  \"build_type\": \"${CMAKE_BUILD_TYPE}\",
  \"compile_flags\": ${compile_flags_json},
  \"include_dirs\": [\"$<JOIN:${includes},\", \">\"],
  \"definitions\": [\"$<JOIN:${definitions},\", \">\"],
  \"library\": \"$<TARGET_FILE:${target}>\",
  \"link_flags\": ${link_flags_json},
  \"link_libraries\": ${link_libraries_json}
}
")
endfunction()
