## Фото покупок и товаров; ответы организатора на комментарии покупателей.

# --- фото покупки у организатора ---
photos-button-purchase = 🖼 Фото ({ $count })
photos-caption-purchase = Фото { $number } из { $total }{ $number ->
    [1] {" "}— обложка
   *[other] {""}
}
photos-button-remove = 🗑 Удалить это фото
photos-other-platform = (фото загружено на другой платформе, здесь его не показать)
photos-locked = Покупка в статусе «{ $status }»: фото уже не меняются.
photos-locked-list = { $count ->
    [0] У покупки нет фото.
    [one] У покупки { $count } фото.
    [few] У покупки { $count } фото.
   *[other] У покупки { $count } фото.
} Покупка в статусе «{ $status }»: фото уже не меняются.
photos-button-done = ✅ Готово
photos-ask = { $count ->
    [0] У покупки «{ $title }» пока нет фото.
   *[other] Фото покупки «{ $title }»: { $count } из { $max }.
} { $room ->
    [0] Больше добавить нельзя — сначала удалите лишнее.
   *[other] Пришлите фото (можно несколько сразу), и покупатели увидят их на карточке: первое станет обложкой. Можно добавить ещё { $room }.
}
photos-expected = Жду фото: пришлите картинку (или изображение файлом). Закончить — «Готово» или /cancel.
photos-full = У покупки уже { $max } фото — это максимум. Удалите лишнее и пришлите снова.
photos-added = { $cover ->
    [yes] Фото добавлено и стало обложкой покупки
   *[other] Фото добавлено
} ({ $count } из { $max }). Пришлите ещё или нажмите «Готово».
photos-not-found = Этого фото уже нет у покупки — список обновлён.
photos-removed = Фото удалено. { $count ->
    [0] Фото у покупки больше нет.
   *[other] Осталось: { $count }.
}
photos-done = { $count ->
    [0] Готово. У покупки нет фото.
   *[other] Готово. Фото у покупки: { $count }; первое — обложка карточки.
}

# --- фото у покупателя ---
photos-button-all = 🖼 Все фото ({ $count })
photos-caption-buyer = «{ $title }»: фото { $number } из { $total }
photos-button-card = « К покупке
photos-buyer-after = Это все фото «{ $title }».
photos-none-here = Фото «{ $title }» загружены на другой платформе, здесь их не показать.
photos-button-items = { $count ->
    [one] 🖼 Фото товара на этой странице
   *[other] 🖼 Фото товаров на этой странице ({ $count })
}
photos-items-none = Фото этих товаров загружены на другой платформе, здесь их не показать.
photos-button-pick-item = 🛒 Выбрать этот товар
photos-button-comment-item = 💬 Комментировать этот товар

# --- ответы на комментарии ---
comments-entry-reply = ↪ Ответ организатора: { $reply }
comments-org-new =
    💬 Новый вопрос по покупке «{ $title }»
    { $buyer } о товаре «{ $item }»:
    «{ $text }»
comments-org-button-reply = ✍ Ответить
comments-org-button-reply-number = ✍ Ответить на { $number }
comments-org-button-unanswered = 💬 Без ответа: { $count }
comments-org-not-found = Этого комментария нет среди комментариев к вашим покупкам.
comments-org-already = На этот комментарий уже ответили: «{ $reply }».
comments-org-ask-reply =
    Вопрос от { $buyer } о товаре «{ $item }» («{ $title }»):
    «{ $text }»

    Напишите ответ, до { $max } { $max ->
        [one] символа
       *[other] символов
    }: покупатель получит его вместе со своим вопросом. Выйти — /cancel.
comments-org-reply-invalid = { $length ->
    [0] Ответ пустой — напишите его текстом.
   *[other] Ответ должен быть от 1 до { $max } { $max ->
        [one] символа
       *[other] символов
    } (сейчас { $length }) и без служебных символов. Сократите и отправьте снова.
}
comments-reply-to-buyer =
    💬 { $organizer } ответил(а) на ваш вопрос о товаре «{ $item }» («{ $title }»).
    Вы спрашивали: «{ $question }»
    Ответ: { $reply }
comments-org-replied = Ответ отправлен: { $buyer } получит его. { $left ->
    [0] Вопросов без ответа в этой покупке больше нет.
    [one] Без ответа остался { $left } вопрос.
    [few] Без ответа осталось { $left } вопроса.
   *[many] Без ответа осталось { $left } вопросов.
}
comments-org-none = В покупке «{ $title }» нет вопросов без ответа.
comments-org-list-title = { $pages ->
    [1] Без ответа в «{ $title }»: { $total } — сначала те, что ждут дольше:
   *[other] Без ответа в «{ $title }»: { $total } — сначала те, что ждут дольше (страница { $page } из { $pages }):
}
comments-org-entry =
    { $number }. { $buyer } о «{ $item }» — ждёт { $unit ->
        [minutes] { $waited ->
            [0] меньше минуты
            [one] { $waited } минуту
            [few] { $waited } минуты
           *[many] { $waited } минут
        }
        [hours] { $waited ->
            [one] { $waited } час
            [few] { $waited } часа
           *[many] { $waited } часов
        }
       *[days] { $waited ->
            [one] { $waited } день
            [few] { $waited } дня
           *[many] { $waited } дней
        }
    }
    «{ $text }»
