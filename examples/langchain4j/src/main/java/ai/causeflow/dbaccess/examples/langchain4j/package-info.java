/** Example: the causeflow agent tools registered in LangChain4j. */
@NullMarked
package ai.causeflow.dbaccess.examples.langchain4j;

import org.jspecify.annotations.NullMarked;
