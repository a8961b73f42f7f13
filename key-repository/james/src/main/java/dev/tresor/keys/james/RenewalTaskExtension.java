package dev.tresor.keys.james;

import java.util.Set;

import org.apache.james.server.task.json.TaskExtensionModule;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;
import org.apache.james.server.task.json.dto.TaskDTO;
import org.apache.james.server.task.json.dto.TaskDTOModule;
import org.apache.james.task.Task;
import org.apache.james.task.TaskExecutionDetails;

/**
 * Lets a stock James show the renewal job's details on {@code GET /tasks/{id}}:
 * {@code guice.extension.task=dev.tresor.keys.james.RenewalTaskExtension} in {@code extensions.properties}. The task
 * itself is never serialized: the renewal job runs on the node that submits it, with James's memory task manager, so
 * no {@link TaskDTOModule} is offered (a distributed task manager could not run it on another node).
 */
public final class RenewalTaskExtension implements TaskExtensionModule {

    @Override
    public Set<TaskDTOModule<? extends Task, ? extends TaskDTO>> taskDTOModules() {
        return Set.of();
    }

    @Override
    public Set<AdditionalInformationDTOModule<? extends TaskExecutionDetails.AdditionalInformation, ? extends AdditionalInformationDTO>> taskAdditionalInformationDTOModules() {
        return Set.of(RenewalTaskReportDTO.module());
    }
}
